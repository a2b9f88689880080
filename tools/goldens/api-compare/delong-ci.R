# Golden for libs/services compare.ts: paired DeLong test with the 95 % CI of AUC1 - AUC2 (pROC roc.test).
# Run: Rscript tools/goldens/api-compare/delong-ci.R > libs/services/src/usecases/compare.golden.json
suppressMessages(library(pROC)); library(jsonlite)
set.seed(20261127)
n <- 80
y <- rbinom(n, 1, 0.4)
s1 <- round(y * 0.9 + rnorm(n), 4)
s2 <- round(y * 0.5 + 0.6 * s1 + rnorm(n), 4)
r1 <- roc(y, s1, direction = "<", quiet = TRUE)
r2 <- roc(y, s2, direction = "<", quiet = TRUE)
t <- roc.test(r1, r2, paired = TRUE, method = "delong")
cat(toJSON(list(pROC = as.character(packageVersion("pROC")), labels = y, s1 = s1, s2 = s2,
  auc1 = as.numeric(auc(r1)), auc2 = as.numeric(auc(r2)), z = unname(t$statistic), p = t$p.value,
  ci = as.numeric(t$conf.int)), digits = NA, auto_unbox = TRUE))
