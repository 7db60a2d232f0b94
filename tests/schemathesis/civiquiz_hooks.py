"""Serializers for the request bodies schemathesis has none for (run.sh loads this module)."""

import schemathesis

# The recordings an upload may carry (PUT /entries/{id}/media): raw bytes, as for
# application/octet-stream.
RECORDING_TYPES = [
    "audio/mp4",
    "audio/mpeg",
    "audio/ogg",
    "audio/wav",
    "audio/webm",
    "audio/x-matroska",
    "video/mp4",
    "video/ogg",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
]
# A part of a resumable upload (PATCH /uploads/{upload_id}, tus 1.0): raw bytes too.
schemathesis.serializer.alias(
    RECORDING_TYPES + ["application/offset+octet-stream"], "application/octet-stream"
)
# Bank files (POST /banks/import): text.
schemathesis.serializer.alias("application/toml", "text/plain")
