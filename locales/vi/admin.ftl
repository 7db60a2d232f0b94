# admin pages
# Trang quản trị tài khoản và cây đơn vị (src/auth/admin_pages/, src/orgs/pages.rs).

## Tìm tài khoản
admin-users-title = Tài khoản
admin-users-intro = Tìm tài khoản theo tên, tên đăng nhập, vai trò, đơn vị hoặc trạng thái; mở một tài khoản để đổi vai trò, đơn vị, khóa hoặc cấp mật khẩu dùng một lần.
admin-import-link = Nhập học sinh từ tệp CSV
admin-units-link = Cây đơn vị
admin-search-heading = Tìm tài khoản
admin-search-q = Họ tên hoặc tên đăng nhập
admin-search-q-hint = Gõ có dấu hay không dấu, chữ hoa hay chữ thường đều được, ví dụ: nguyen van an.
admin-search-unit-hint = Tìm cả trong các đơn vị trực thuộc (chọn trường để thấy học sinh mọi lớp).
admin-any-role = Mọi vai trò
admin-any-unit = Mọi đơn vị
admin-any-status = Mọi trạng thái
admin-search-submit = Tìm
admin-search-clear = Xóa bộ lọc
admin-results-heading = Kết quả
admin-results-caption = Tài khoản tìm thấy
admin-results-empty = Chưa có tài khoản nào.
admin-results-none = Không có tài khoản nào khớp với điều kiện tìm.
admin-results-range = { $first }–{ $last }
admin-results-count = Đang hiện { $shown } trong { $total } tài khoản.
admin-col-name = Họ tên
admin-col-username = Tên đăng nhập
admin-col-role = Vai trò
admin-col-unit = Đơn vị
admin-col-status = Trạng thái
admin-col-last-sign-in = Đăng nhập gần nhất ({ $zone })
admin-never = Chưa đăng nhập
admin-pager = Các trang kết quả
admin-previous = ← Trang trước
admin-next = Trang sau →
admin-status-active = Đang hoạt động
admin-status-one_time_password = Chờ đổi mật khẩu
admin-status-disabled = Đã khóa

## Một tài khoản
admin-back-to-users = ← Về danh sách tài khoản
admin-no-unit = Chưa thuộc đơn vị nào
admin-last-sign-in = Đăng nhập gần nhất
admin-birth-year = Năm sinh
admin-password-expires = (mật khẩu dùng một lần hết hạn lúc { $time })
admin-details-heading = Họ tên, vai trò và đơn vị
admin-display-name-hint = Từ 1 đến 64 ký tự. Bảng xếp hạng công khai chỉ hiện tên do chính người dùng chọn.
admin-role-hint = Ban tổ chức quản lý cuộc thi và bài thi; quản trị quản lý cả tài khoản và cây đơn vị.
admin-role-hint-own = Đây là tài khoản của bạn: bạn không thể tự hạ quyền của mình.
admin-unit-hint = Chọn đơn vị trong cây (quận, phường, trường, lớp).
admin-save = Lưu thay đổi
admin-account-saved = Đã lưu thay đổi của tài khoản.
admin-account-disabled = Đã khóa tài khoản: người dùng bị đăng xuất khỏi mọi thiết bị và không đăng nhập được nữa.
admin-account-enabled = Đã mở lại tài khoản: người dùng có thể đăng nhập.
admin-status-heading = Khóa hoặc mở tài khoản
admin-disable-hint = Khóa tài khoản sẽ đăng xuất người dùng khỏi mọi thiết bị; bài làm và kết quả vẫn được giữ.
admin-disable = Khóa tài khoản
admin-enable-hint = Tài khoản đang bị khóa: người dùng không đăng nhập được.
admin-enable = Mở lại tài khoản
admin-own-status = Đây là tài khoản của bạn: bạn không thể tự khóa tài khoản của mình.
admin-password-heading = Mật khẩu dùng một lần
admin-reset-hint = Cấp một mật khẩu mới khi người dùng quên mật khẩu hoặc mật khẩu dùng một lần đã hết hạn. Mật khẩu cũ hết hiệu lực ngay, mọi phiên đăng nhập kết thúc; mật khẩu mới chỉ hiện một lần, hãy in hoặc chép lại.
admin-reset = Cấp mật khẩu dùng một lần mới
admin-own-password = Đây là tài khoản của bạn: hãy tự đổi mật khẩu.
admin-reset-title = Mật khẩu dùng một lần mới của { $name }
admin-reset-intro = Mật khẩu cũ đã hết hiệu lực. Hãy in phiếu dưới đây hoặc đưa trực tiếp cho người dùng.
admin-reset-back = Về trang tài khoản
admin-not-saved = Chưa lưu: hãy sửa các mục được đánh dấu.
admin-lockout-role = Bạn không thể tự hạ quyền quản trị của chính mình; hãy nhờ một quản trị viên khác.
admin-lockout-status = Bạn không thể tự khóa tài khoản của chính mình.
admin-lockout-password = Bạn không thể tự cấp mật khẩu dùng một lần cho mình; hãy đổi mật khẩu ở trang tài khoản.
admin-field-display_name = Họ tên phải có từ 1 đến 64 ký tự, không có ký tự ẩn.
admin-field-role = Hãy chọn một vai trò trong danh sách.
admin-field-org_unit_id = Đơn vị đã chọn không tồn tại.
admin-field-q = Nội dung tìm kiếm dài tối đa 100 ký tự.
admin-field-status = Hãy chọn một trạng thái trong danh sách.
admin-field-limit = Số tài khoản mỗi trang không hợp lệ.
admin-field-offset = Vị trí trang không hợp lệ.
admin-field-code = Mã đơn vị có từ 1 đến 64 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.
admin-field-name = Tên đơn vị có từ 1 đến 200 ký tự.
admin-field-kind = Hãy chọn loại đơn vị.
admin-field-parent_id = Đơn vị cấp trên đã chọn không tồn tại.

## Nhập học sinh từ CSV
admin-import-title = Nhập học sinh từ tệp CSV
admin-import-intro = Tạo tài khoản cho cả một trường hoặc một lớp cùng lúc. Mỗi học sinh nhận một mật khẩu dùng một lần và phải tự đặt mật khẩu mới ở lần đăng nhập đầu tiên.
admin-format-heading = Cách chuẩn bị tệp
admin-import-format = Tệp CSV mã UTF-8 (trong Excel: Lưu thành › CSV UTF-8), dòng đầu là tên các cột theo thứ tự bất kỳ; tối đa 5.000 dòng. Nếu có một dòng sai, không tài khoản nào được tạo.
admin-columns-caption = Các cột của tệp
admin-column-meaning = Nội dung
admin-column-username = Tên đăng nhập: 3–32 ký tự chữ cái, chữ số hoặc . _ -; không trùng với tài khoản đã có.
admin-column-display-name = Họ và tên học sinh (1–64 ký tự).
admin-column-org-unit-code = Mã lớp hoặc trường trong cây đơn vị; để trống nếu chưa xếp đơn vị.
admin-column-role = participant (học sinh, mặc định khi để trống), judge, organizer hoặc admin.
admin-column-birth-year = Năm sinh, ví dụ 2012; có thể để trống.
admin-example = Ví dụ:
admin-csv-file = Chọn tệp CSV
admin-csv-file-hint = Hoặc dán nội dung tệp vào ô bên dưới. Nếu có cả hai, hệ thống dùng tệp.
admin-csv-file-again = Trình duyệt không giữ lại tệp đã chọn: sau khi sửa, hãy chọn lại tệp.
admin-csv-text = Hoặc dán nội dung CSV
admin-csv-text-hint = Dòng đầu là tên các cột, mỗi dòng sau là một dòng dữ liệu.
admin-import-once = Chỉ bấm một lần: trang kế tiếp hiện mật khẩu của mọi học sinh và không thể mở lại.
admin-import-submit = Nhập và tạo phiếu mật khẩu
admin-import-rows-refused = { $count ->
    [one] Có 1 dòng chưa đúng.
   *[other] Có { $count } dòng chưa đúng.
}
admin-import-nothing-written = Chưa tài khoản nào được tạo. Hãy sửa các dòng dưới đây rồi nhập lại cả tệp.
admin-import-nothing = Hãy chọn một tệp CSV hoặc dán nội dung vào ô.
admin-import-missing-columns = Dòng đầu của tệp phải có đủ các cột { $columns }; còn thiếu: { $missing }.
admin-import-no-rows = Tệp chưa có dòng dữ liệu nào.
admin-import-too-many = Mỗi lần nhập tối đa { $count } dòng; hãy chia tệp ra.
admin-import-not-utf8 = Tệp không ở mã UTF-8. Trong Excel, hãy chọn Lưu thành › CSV UTF-8.
admin-import-too-large = Tệp quá lớn (tối đa 4 MB).
admin-import-unreadable = Không đọc được dòng tiêu đề của tệp CSV.
admin-row-errors-caption = Các dòng chưa đúng
admin-row-line = Dòng
admin-row-column = Cột
admin-row-problem = Vấn đề
admin-row-whole = Cả dòng
admin-row-repeated = Giá trị này lặp lại ở một dòng khác trong tệp.
admin-row-username-length = Tên đăng nhập phải có từ 3 đến 32 ký tự.
admin-row-username-letters = Tên đăng nhập chỉ gồm chữ cái (có thể có dấu), chữ số và . _ -
admin-row-username-taken = Tên đăng nhập này đã có người dùng.
admin-row-display-name = Họ tên phải có từ 1 đến 64 ký tự, không có ký tự ẩn.
admin-row-unknown-unit = Không có đơn vị nào mang mã “{ $value }”.
admin-row-role = Vai trò phải là participant, judge, organizer hoặc admin (hoặc để trống).
admin-row-birth-year = Năm sinh không hợp lệ (ví dụ 2012).
admin-row-code = Mã đơn vị có từ 1 đến 64 ký tự: chữ không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang.
admin-row-code-taken = Đã có đơn vị mang mã “{ $value }”.
admin-row-name = Tên đơn vị có từ 1 đến 200 ký tự.
admin-row-kind = Loại đơn vị phải là district, ward, school, class hoặc other.
admin-row-cycle = Các đơn vị cấp trên tạo thành vòng lặp.
admin-row-values = Số giá trị của dòng không khớp với số cột ở dòng đầu.
admin-row-not-csv = Dòng này không đúng định dạng CSV.
admin-row-other = Giá trị không hợp lệ ({ $message }).

## Phiếu mật khẩu
admin-sheet-title = Phiếu mật khẩu dùng một lần
admin-sheet-intro = { $count ->
    [one] Đã tạo 1 tài khoản. Hãy in phiếu và phát cho học sinh.
   *[other] Đã tạo { $count } tài khoản. Hãy in các phiếu và phát cho từng học sinh.
}
admin-sheet-once = Mật khẩu chỉ hiện một lần trên trang này: hệ thống không lưu bản rõ nên không thể mở lại. Hãy in ngay; nếu một học sinh mất phiếu, hãy cấp mật khẩu mới ở trang tài khoản của em.
admin-sheet-print = In phiếu
admin-sheet-back = Về danh sách tài khoản
admin-sheet-gone = Phiếu mật khẩu chỉ hiện một lần nên không còn ở đây. Nếu cần, hãy cấp mật khẩu mới ở trang tài khoản của từng người.
admin-slip-username = Tên đăng nhập
admin-slip-password = Mật khẩu
admin-slip-unit = Đơn vị
admin-slip-address = Địa chỉ đăng nhập
admin-slip-instruction = Vào địa chỉ trên, đăng nhập bằng tên đăng nhập và mật khẩu này, rồi đặt mật khẩu mới của riêng em. Mật khẩu này chỉ dùng cho lần đăng nhập đầu tiên, trước { $time }. Không đưa phiếu cho người khác.

## Cây đơn vị
admin-units-title = Cây đơn vị
admin-units-intro = Quận, phường, trường và lớp, mỗi đơn vị nằm dưới đơn vị cấp trên của nó. Mã đơn vị dùng khi nhập học sinh từ tệp CSV.
admin-tree-heading = { $count ->
    [one] 1 đơn vị
   *[other] { $count } đơn vị
}
admin-tree-empty = Chưa có đơn vị nào. Hãy thêm đơn vị cấp cao nhất (quận) hoặc nhập cả cây từ tệp CSV.
admin-kind-district = quận
admin-kind-ward = phường
admin-kind-school = trường
admin-kind-class = lớp
admin-kind-other = khác
admin-add-below = Thêm đơn vị trực thuộc
admin-add-below-named = Thêm đơn vị trực thuộc { $name }
admin-unit-accounts = Tài khoản
admin-unit-accounts-named = Tài khoản thuộc { $name }
admin-add-heading = Thêm một đơn vị
admin-unit-parent = Đơn vị cấp trên
admin-unit-top = — Cấp cao nhất —
admin-unit-parent-hint = Ví dụ: lớp thuộc trường, trường thuộc phường.
admin-unit-name = Tên đơn vị
admin-unit-name-hint = Ví dụ: Lớp 6A1, Trường THCS Lê Lợi.
admin-unit-kind = Loại đơn vị
admin-unit-kind-choose = — Chọn loại —
admin-unit-kind-hint = Quận, phường, trường, lớp hoặc khác.
admin-unit-code = Mã đơn vị
admin-unit-code-hint = Duy nhất, không phân biệt chữ hoa thường; chữ không dấu, chữ số và . _ -, ví dụ THCS-LL-6A1.
admin-unit-code-taken = Đã có đơn vị mang mã này; hãy chọn mã khác.
admin-add-submit = Thêm đơn vị
admin-unit-added = Đã thêm đơn vị.
admin-units-import-heading = Nhập cây đơn vị từ tệp CSV
admin-units-import-format = Các cột code, name, kind, parent_code (mã đơn vị cấp trên: một đơn vị đã có hoặc một dòng khác trong tệp; để trống nếu là cấp cao nhất). Nếu có một dòng sai, không đơn vị nào được thêm.
admin-units-import-submit = Nhập đơn vị
admin-units-imported = { $count ->
    [one] Đã nhập 1 đơn vị.
   *[other] Đã nhập { $count } đơn vị.
}
