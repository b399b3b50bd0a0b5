"""Stage import: a CSV put under `imports/` in the import bucket sets stages as the admin route
would; rows it cannot take go to `imports-rejected/<same name>` with a `reason` column.

`rows` judges a row (pure), `csvfile` reads and writes the CSV (no AWS), `importer` performs
one import (and explains why repeating it is harmless). The S3 event's entry point is
`chalicelib.events.stage_import`. Nothing here is imported by the API's cold start.
"""
