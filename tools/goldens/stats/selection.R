# Goldens for feature selection / stability: ComBat (sva::ComBat, with and without covariates), ICC (psych::ICC),
# Mann-Whitney (wilcox.test exact = FALSE, correct = TRUE). Data: UCI HCC numeric features with a pseudo "centre"
# (row number mod 3) so that batch effects can be injected deterministically.
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages({ library(sva); library(psych) })
d <- uci(); d$died <- 1 - d$Class
feat <- c("Age", "Hemoglobin", "MCV", "Leucocytes", "Platelets", "Albumin", "Total_Bil", "ALT", "AST", "GGT", "ALP", "Creatinine")
cc <- d[complete.cases(d[, c("died", feat)]), c("died", "Gender", feat)]
n <- nrow(cc)
batch <- (seq_len(n) %% 3) + 1
X <- as.matrix(cc[, feat])
# inject centre effects: additive shift and multiplicative scale per centre
shift <- c(0, 0.3, -0.2); scale <- c(1, 1.4, 0.8)
Xb <- X
for (j in seq_along(feat)) { s <- sd(X[, j]); Xb[, j] <- mean(X[, j]) + (X[, j] - mean(X[, j])) * scale[batch] + shift[batch] * s }
cb0 <- ComBat(t(Xb), batch = batch, par.prior = TRUE, prior.plots = FALSE)
mod <- model.matrix(~ died + Gender, data = cc)
cb1 <- ComBat(t(Xb), batch = batch, mod = mod, par.prior = TRUE, prior.plots = FALSE)
cbm <- ComBat(t(Xb), batch = batch, mean.only = TRUE, par.prior = TRUE, prior.plots = FALSE)
# ICC: three "segmentations" of a feature = value + noise
set.seed(7)
r <- cbind(X[, "Albumin"], X[, "Albumin"] + rnorm(n, 0, 0.2), X[, "Albumin"] * 1.05 + rnorm(n, 0, 0.3))
ic <- ICC(r, lmer = FALSE)$results
mw <- lapply(feat, function(v) { w <- wilcox.test(X[cc$died == 1, v], X[cc$died == 0, v], exact = FALSE, correct = TRUE); list(feature = v, w = unname(w$statistic), p = w$p.value) })
write_golden(list(features = feat, X = lapply(feat, function(v) Xb[, v]), X0 = lapply(feat, function(v) X[, v]), batch = batch,
                  died = cc$died, gender = cc$Gender,
                  combat = lapply(feat, function(v) unname(cb0[v, ])), combatMod = lapply(feat, function(v) unname(cb1[v, ])),
                  combatMeanOnly = lapply(feat, function(v) unname(cbm[v, ])),
                  ratings = list(r[, 1], r[, 2], r[, 3]),
                  icc = lapply(seq_len(nrow(ic)), function(i) list(type = as.character(ic$type[i]), icc = ic$ICC[i], f = ic$F[i], df1 = ic$df1[i], df2 = ic$df2[i], p = ic$p[i], lower = ic$`lower bound`[i], upper = ic$`upper bound`[i])),
                  mannWhitney = mw), "selection")
