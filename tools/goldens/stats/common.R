# Shared helpers for the stats golden generators. Run from the repository root:
#   Rscript tools/goldens/stats/<name>.R
# Writes libs/stats/fixtures/goldens/<name>.json with full double precision (17 significant digits);
# +/-Inf are written as the strings "Inf"/"-Inf", NA as null.
suppressPackageStartupMessages(library(jsonlite))
out_dir <- "libs/stats/fixtures/goldens"
data_dir <- "libs/stats/fixtures/data"
write_golden <- function(x, name) {
  x$generator <- paste0("tools/goldens/stats/", name, ".R")
  x$r_version <- R.version.string
  txt <- toJSON(x, digits = I(17), auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE)
  writeLines(txt, file.path(out_dir, paste0(name, ".json")))
  cat("wrote", file.path(out_dir, paste0(name, ".json")), nchar(txt), "chars\n")
}
uci <- function() read.csv(file.path(data_dir, "uci-hcc-survival/hcc-data_with_header.csv"))
hepato <- function() read.csv(file.path(data_dir, "asaur-hepatocellular/hepatoCellular.csv"))
