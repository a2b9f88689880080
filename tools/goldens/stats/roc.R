# Goldens for ROC / AUC / DeLong / roc.test / Youden / bootstrap CI (pROC) and threshold metrics.
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages(library(pROC))
d <- uci()
d$died <- 1 - d$Class
cases <- list()
one <- function(name, label, score, direction) {
  ok <- !is.na(label) & !is.na(score)
  y <- label[ok]; s <- score[ok]
  r <- roc(y, s, levels = c(0, 1), direction = direction, quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  set.seed(1)
  bt <- ci.auc(r, method = "bootstrap", boot.n = 2000, boot.stratified = TRUE, progress = "none")
  yd <- coords(r, "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity"), transpose = FALSE)
  list(name = name, direction = direction, labels = y, scores = s,
       auc = as.numeric(r$auc), variance = var(r, method = "delong"),
       ci = list(lower = ci[1], upper = ci[3]),
       bootstrap = list(lower = bt[1], upper = bt[3], replicates = 2000),
       thresholds = as.character(r$thresholds), sensitivities = r$sensitivities, specificities = r$specificities,
       youden = list(threshold = yd$threshold, sensitivity = yd$sensitivity, specificity = yd$specificity))
}
cases[[1]] <- one("uci AFP ~ died", d$died, d$AFP, "<")
cases[[2]] <- one("uci Albumin ~ died (>)", d$died, d$Albumin, ">")
cases[[3]] <- one("uci Total_Bil ~ died", d$died, d$Total_Bil, "<")
cases[[4]] <- one("uci PS (ordinal ties) ~ died", d$died, d$PS, "<")
cases[[5]] <- one("uci Age ~ died", d$died, d$Age, "<")
# paired DeLong tests (complete cases on both scores)
paired <- function(a, b, da, db) {
  ok <- !is.na(d[[a]]) & !is.na(d[[b]])
  y <- d$died[ok]
  r1 <- roc(y, d[[a]][ok], levels = c(0, 1), direction = da, quiet = TRUE)
  r2 <- roc(y, d[[b]][ok], levels = c(0, 1), direction = db, quiet = TRUE)
  t <- roc.test(r1, r2, method = "delong", paired = TRUE)
  list(score1 = a, score2 = b, direction1 = da, direction2 = db, labels = y, s1 = d[[a]][ok], s2 = d[[b]][ok],
       auc1 = as.numeric(r1$auc), auc2 = as.numeric(r2$auc), z = unname(t$statistic), p = t$p.value)
}
tests <- list(paired("Total_Bil", "AFP", "<", "<"), paired("Albumin", "Age", ">", "<"), paired("INR", "Total_Bil", "<", "<"))
# unpaired: AFP in men vs women
okm <- !is.na(d$AFP) & d$Gender == 1; okf <- !is.na(d$AFP) & d$Gender == 0
rm <- roc(d$died[okm], d$AFP[okm], levels = c(0, 1), direction = "<", quiet = TRUE)
rf <- roc(d$died[okf], d$AFP[okf], levels = c(0, 1), direction = "<", quiet = TRUE)
tu <- roc.test(rm, rf, method = "delong", paired = FALSE)
unpaired <- list(labels1 = d$died[okm], s1 = d$AFP[okm], labels2 = d$died[okf], s2 = d$AFP[okf],
                 auc1 = as.numeric(rm$auc), auc2 = as.numeric(rf$auc), z = unname(tu$statistic), p = tu$p.value)
# Wilson intervals = prop.test(correct = FALSE)
wil <- lapply(list(c(0, 10), c(1, 10), c(37, 52), c(10, 10), c(120, 165)), function(v) {
  ci <- prop.test(v[1], v[2], correct = FALSE)$conf.int
  list(x = v[1], n = v[2], lower = ci[1], upper = ci[2])
})
# distribution functions used for p-values
dist <- list(
  pnorm = lapply(c(-40, -8.3, -3, -1.96, -0.5, 0, 0.3, 0.674, 1, 2.5, 5.7, 9), function(x) list(x = x, p = pnorm(x), q = pnorm(x, lower.tail = FALSE))),
  qnorm = lapply(c(1e-12, 0.001, 0.025, 0.2, 0.5, 0.8, 0.975, 0.999999), function(p) list(p = p, q = qnorm(p))),
  pchisq = lapply(list(c(0.5, 1), c(3.84, 1), c(12, 3), c(40, 2), c(150, 8), c(7.2, 5)), function(v) list(x = v[1], df = v[2], q = pchisq(v[1], v[2], lower.tail = FALSE))),
  pf = lapply(list(c(1.2, 1, 30), c(4.5, 2, 100), c(0.3, 5, 12)), function(v) list(f = v[1], df1 = v[2], df2 = v[3], q = pf(v[1], v[2], v[3], lower.tail = FALSE)))
)
write_golden(list(package = paste("pROC", packageVersion("pROC")), roc = cases, paired = tests, unpaired = unpaired, wilson = wil, dist = dist), "roc")
