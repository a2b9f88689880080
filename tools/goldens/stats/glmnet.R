# Goldens for penalised logistic regression (glmnet, family = "binomial"): default lambda path, coefficients on the
# original scale at given lambdas (thresh = 1e-14 so that the exact optimum is compared), and cv.glmnet with fixed
# foldid (type.measure = "deviance").
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages(library(glmnet))
d <- uci()
d$died <- 1 - d$Class
d$logAFP <- log(d$AFP)
feat <- c("Gender", "Alcohol", "Cirrhosis", "Age", "PS", "Encephalopathy", "Ascites", "INR", "logAFP", "Hemoglobin",
          "MCV", "Leucocytes", "Platelets", "Albumin", "Total_Bil", "ALT", "AST", "GGT", "ALP", "Creatinine", "Nodules", "Hallmark")
cc <- d[complete.cases(d[, c("died", feat)]), c("died", feat)]
x <- as.matrix(cc[, feat]); y <- cc$died
cases <- list()
for (alpha in c(1, 0.5, 0)) {
  path <- glmnet(x, y, family = "binomial", alpha = alpha)
  lam <- path$lambda
  pick <- lam[c(2, 5, 10, 20, 30, min(45, length(lam)))]
  exact <- glmnet(x, y, family = "binomial", alpha = alpha, lambda = lam, thresh = 1e-14, maxit = 1e6)
  co <- as.matrix(coef(exact))
  foldid <- rep(1:5, length.out = nrow(x))
  cv <- cv.glmnet(x, y, family = "binomial", alpha = alpha, lambda = lam, foldid = foldid, type.measure = "deviance", thresh = 1e-14, maxit = 1e6)
  cases[[length(cases) + 1]] <- list(alpha = alpha, defaultLambda = lam, nDefault = length(lam),
    coefLambda = lam, coef = lapply(seq_along(lam), function(k) unname(co[, k])),
    foldid = foldid, cvm = cv$cvm, cvsd = cv$cvsd, lambdaMin = cv$lambda.min, lambda1se = cv$lambda.1se)
}
write_golden(list(glmnet = as.character(packageVersion("glmnet")), features = feat, X = lapply(feat, function(v) cc[[v]]), y = y, cases = cases), "glmnet")
