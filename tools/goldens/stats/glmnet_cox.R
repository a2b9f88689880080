# Goldens for penalised Cox regression (glmnet family = "cox", Breslow ties): default lambda path, coefficients at
# the path's lambdas with thresh = 1e-14, and cv.glmnet (grouped partial-likelihood deviance) with a fixed foldid.
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages({ library(glmnet); library(survival) })
p <- read.csv(file.path(data_dir, "pbc/pbc.csv"))
p$death <- as.integer(p$status == 2)
p$logbili <- log(p$bili)
feat <- c("trt", "age", "sex", "edema", "logbili", "albumin", "protime", "stage")
cc <- p[complete.cases(p[, c("time", "death", feat)]), c("time", "death", feat)]
# glmnet's Fortran coxnet does not reproduce textbook Breslow on tied event times (even its lambda = 0 fit differs
# from coxph(ties = "breslow") when pbc's 3 tied death times are kept), so the goldens use untied times:
# time + (row %% 97) / 1000 days (every time distinct; order of distinct days unchanged).
cc$time <- cc$time + (seq_len(nrow(cc)) %% 97) / 1000
stopifnot(!any(duplicated(cc$time)))
x <- as.matrix(cc[, feat]); y <- Surv(cc$time, cc$death)
stopifnot(max(abs(as.numeric(coef(glmnet(x, y, family = "cox", lambda = 0, thresh = 1e-16))) - coef(coxph(y ~ x, ties = "breslow")))) < 1e-5)
cases <- list()
for (alpha in c(1, 0.5)) {
  path <- glmnet(x, y, family = "cox", alpha = alpha)
  lam <- path$lambda
  exact <- glmnet(x, y, family = "cox", alpha = alpha, lambda = lam, thresh = 1e-14, maxit = 1e6)
  co <- as.matrix(coef(exact))
  foldid <- rep(1:5, length.out = nrow(x))
  cv <- cv.glmnet(x, y, family = "cox", alpha = alpha, lambda = lam, foldid = foldid, thresh = 1e-14, maxit = 1e6)
  cases[[length(cases) + 1]] <- list(alpha = alpha, defaultLambda = lam, nDefault = length(lam),
    coef = lapply(seq_along(lam), function(k) unname(co[, k])), devRatio = exact$dev.ratio, nulldev = exact$nulldev,
    foldid = foldid, cvm = cv$cvm, cvsd = cv$cvsd, lambdaMin = cv$lambda.min, lambda1se = cv$lambda.1se)
}
write_golden(list(glmnet = as.character(packageVersion("glmnet")), features = feat, time = cc$time, event = cc$death,
                  X = lapply(feat, function(v) cc[[v]]), cases = cases), "glmnet_cox")
