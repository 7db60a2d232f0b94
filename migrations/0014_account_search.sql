-- Issue 13: account search (GET /api/v1/admin/users) finds "nguyen van duc" in "Nguyễn Văn
-- Đức". Each account keeps its username and display name folded for search (accents dropped,
-- `đ` as `d`, lower case: `credentials::search_fold`), written with the name by the server.
ALTER TABLE users ADD COLUMN username_folded TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN display_name_folded TEXT NOT NULL DEFAULT '';

-- backfill: the accounts made before this migration, folded here in SQL that both engines
-- run (REPLACE and LOWER). Vietnamese letters in either case become their base letter; the
-- names are stored in NFC, so each is one character. (Letters of other languages keep their
-- accents here; the server folds them too once the name is next changed.)
UPDATE users SET
    username_folded = LOWER(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(username
       , 'à', 'a'), 'á', 'a'), 'ả', 'a'), 'ã', 'a'), 'ạ', 'a'), 'ă', 'a'), 'ằ', 'a'), 'ắ', 'a'), 'ẳ', 'a'), 'ẵ', 'a'), 'ặ', 'a'), 'â', 'a'), 'ầ', 'a'), 'ấ', 'a'), 'ẩ', 'a'), 'ẫ', 'a'), 'ậ', 'a'), 'À', 'a'), 'Á', 'a'), 'Ả', 'a'), 'Ã', 'a'), 'Ạ', 'a'), 'Ă', 'a'), 'Ằ', 'a'), 'Ắ', 'a'), 'Ẳ', 'a'), 'Ẵ', 'a'), 'Ặ', 'a'), 'Â', 'a'), 'Ầ', 'a'), 'Ấ', 'a'), 'Ẩ', 'a'), 'Ẫ', 'a'), 'Ậ', 'a')
       , 'è', 'e'), 'é', 'e'), 'ẻ', 'e'), 'ẽ', 'e'), 'ẹ', 'e'), 'ê', 'e'), 'ề', 'e'), 'ế', 'e'), 'ể', 'e'), 'ễ', 'e'), 'ệ', 'e'), 'È', 'e'), 'É', 'e'), 'Ẻ', 'e'), 'Ẽ', 'e'), 'Ẹ', 'e'), 'Ê', 'e'), 'Ề', 'e'), 'Ế', 'e'), 'Ể', 'e'), 'Ễ', 'e'), 'Ệ', 'e')
       , 'ì', 'i'), 'í', 'i'), 'ỉ', 'i'), 'ĩ', 'i'), 'ị', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Ỉ', 'i'), 'Ĩ', 'i'), 'Ị', 'i')
       , 'ò', 'o'), 'ó', 'o'), 'ỏ', 'o'), 'õ', 'o'), 'ọ', 'o'), 'ô', 'o'), 'ồ', 'o'), 'ố', 'o'), 'ổ', 'o'), 'ỗ', 'o'), 'ộ', 'o'), 'ơ', 'o'), 'ờ', 'o'), 'ớ', 'o'), 'ở', 'o'), 'ỡ', 'o'), 'ợ', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ỏ', 'o'), 'Õ', 'o'), 'Ọ', 'o'), 'Ô', 'o'), 'Ồ', 'o'), 'Ố', 'o'), 'Ổ', 'o'), 'Ỗ', 'o'), 'Ộ', 'o'), 'Ơ', 'o'), 'Ờ', 'o'), 'Ớ', 'o'), 'Ở', 'o'), 'Ỡ', 'o'), 'Ợ', 'o')
       , 'ù', 'u'), 'ú', 'u'), 'ủ', 'u'), 'ũ', 'u'), 'ụ', 'u'), 'ư', 'u'), 'ừ', 'u'), 'ứ', 'u'), 'ử', 'u'), 'ữ', 'u'), 'ự', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Ủ', 'u'), 'Ũ', 'u'), 'Ụ', 'u'), 'Ư', 'u'), 'Ừ', 'u'), 'Ứ', 'u'), 'Ử', 'u'), 'Ữ', 'u'), 'Ự', 'u')
       , 'ỳ', 'y'), 'ý', 'y'), 'ỷ', 'y'), 'ỹ', 'y'), 'ỵ', 'y'), 'Ỳ', 'y'), 'Ý', 'y'), 'Ỷ', 'y'), 'Ỹ', 'y'), 'Ỵ', 'y')
       , 'đ', 'd'), 'Đ', 'd')
    ),
    display_name_folded = LOWER(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(
        REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(display_name
       , 'à', 'a'), 'á', 'a'), 'ả', 'a'), 'ã', 'a'), 'ạ', 'a'), 'ă', 'a'), 'ằ', 'a'), 'ắ', 'a'), 'ẳ', 'a'), 'ẵ', 'a'), 'ặ', 'a'), 'â', 'a'), 'ầ', 'a'), 'ấ', 'a'), 'ẩ', 'a'), 'ẫ', 'a'), 'ậ', 'a'), 'À', 'a'), 'Á', 'a'), 'Ả', 'a'), 'Ã', 'a'), 'Ạ', 'a'), 'Ă', 'a'), 'Ằ', 'a'), 'Ắ', 'a'), 'Ẳ', 'a'), 'Ẵ', 'a'), 'Ặ', 'a'), 'Â', 'a'), 'Ầ', 'a'), 'Ấ', 'a'), 'Ẩ', 'a'), 'Ẫ', 'a'), 'Ậ', 'a')
       , 'è', 'e'), 'é', 'e'), 'ẻ', 'e'), 'ẽ', 'e'), 'ẹ', 'e'), 'ê', 'e'), 'ề', 'e'), 'ế', 'e'), 'ể', 'e'), 'ễ', 'e'), 'ệ', 'e'), 'È', 'e'), 'É', 'e'), 'Ẻ', 'e'), 'Ẽ', 'e'), 'Ẹ', 'e'), 'Ê', 'e'), 'Ề', 'e'), 'Ế', 'e'), 'Ể', 'e'), 'Ễ', 'e'), 'Ệ', 'e')
       , 'ì', 'i'), 'í', 'i'), 'ỉ', 'i'), 'ĩ', 'i'), 'ị', 'i'), 'Ì', 'i'), 'Í', 'i'), 'Ỉ', 'i'), 'Ĩ', 'i'), 'Ị', 'i')
       , 'ò', 'o'), 'ó', 'o'), 'ỏ', 'o'), 'õ', 'o'), 'ọ', 'o'), 'ô', 'o'), 'ồ', 'o'), 'ố', 'o'), 'ổ', 'o'), 'ỗ', 'o'), 'ộ', 'o'), 'ơ', 'o'), 'ờ', 'o'), 'ớ', 'o'), 'ở', 'o'), 'ỡ', 'o'), 'ợ', 'o'), 'Ò', 'o'), 'Ó', 'o'), 'Ỏ', 'o'), 'Õ', 'o'), 'Ọ', 'o'), 'Ô', 'o'), 'Ồ', 'o'), 'Ố', 'o'), 'Ổ', 'o'), 'Ỗ', 'o'), 'Ộ', 'o'), 'Ơ', 'o'), 'Ờ', 'o'), 'Ớ', 'o'), 'Ở', 'o'), 'Ỡ', 'o'), 'Ợ', 'o')
       , 'ù', 'u'), 'ú', 'u'), 'ủ', 'u'), 'ũ', 'u'), 'ụ', 'u'), 'ư', 'u'), 'ừ', 'u'), 'ứ', 'u'), 'ử', 'u'), 'ữ', 'u'), 'ự', 'u'), 'Ù', 'u'), 'Ú', 'u'), 'Ủ', 'u'), 'Ũ', 'u'), 'Ụ', 'u'), 'Ư', 'u'), 'Ừ', 'u'), 'Ứ', 'u'), 'Ử', 'u'), 'Ữ', 'u'), 'Ự', 'u')
       , 'ỳ', 'y'), 'ý', 'y'), 'ỷ', 'y'), 'ỹ', 'y'), 'ỵ', 'y'), 'Ỳ', 'y'), 'Ý', 'y'), 'Ỷ', 'y'), 'Ỹ', 'y'), 'Ỵ', 'y')
       , 'đ', 'd'), 'Đ', 'd')
    );
