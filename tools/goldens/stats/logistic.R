# Goldens for logistic regression (glm binomial, converged to epsilon 1e-14), calibration (Brier, intercept, slope,
# Hosmer-Lemeshow as ResourceSelection::hoslem.test, curve points) and decision-curve net benefit.
source("tools/goldens/stats/common.R")
d <- uci()
d$died <- 1 - d$Class
ctrl <- glm.control(epsilon = 1e-14, maxit = 100)
fit_case <- function(name, data, outcome, features) {
  cc <- data[complete.cases(data[, c(outcome, features)]), c(outcome, features)]
  f <- as.formula(paste(outcome, "~", paste(features, collapse = "+")))
  m <- glm(f, data = cc, family = binomial, control = ctrl)
  s <- summary(m)$coefficients
  ci <- confint.default(m)
  list(name = name, outcome = outcome, features = features, y = cc[[outcome]],
       X = lapply(features, function(v) cc[[v]]),
       coef = lapply(seq_len(nrow(s)), function(i) list(name = rownames(s)[i], estimate = s[i, 1], se = s[i, 2], z = s[i, 3], p = s[i, 4], lower = ci[i, 1], upper = ci[i, 2])),
       deviance = deviance(m), nullDeviance = m$null.deviance, aic = AIC(m), fitted = unname(fitted(m)))
}
h <- hepato()
fits <- list(
  fit_case("uci died ~ Age + Albumin + Total_Bil + PS", d, "died", c("Age", "Albumin", "Total_Bil", "PS")),
  fit_case("uci died ~ AFP + Hemoglobin + Platelets + INR + Ascites", d, "died", c("AFP", "Hemoglobin", "Platelets", "INR", "Ascites")),
  fit_case("hepato Death ~ Age + Vascularinvasion + Tumorsize + Tumormultiplicity + CXCL17T", h, "Death", c("Age", "Vascularinvasion", "Tumorsize", "Tumormultiplicity", "CXCL17T"))
)
# calibration of an externally fitted model: fit on hepatoCellular rows 1..120, evaluate on 121..227
tr <- h[1:120, ]; te <- h[121:227, ]
mm <- glm(Death ~ Age + Vascularinvasion + Tumorsize + CXCL17T, data = tr, family = binomial, control = ctrl)
p <- unname(predict(mm, newdata = te, type = "response")); y <- te$Death
ok <- !is.na(p); p <- p[ok]; y <- y[ok]
lp <- qlogis(p)
cal_int <- coef(glm(y ~ offset(lp), family = binomial, control = ctrl))[1]
cal_slope_fit <- glm(y ~ lp, family = binomial, control = ctrl)
hl <- function(y, yhat, g = 10) {
  qq <- unique(quantile(yhat, probs = seq(0, 1, 1 / g)))
  cutyhat <- cut(yhat, breaks = qq, include.lowest = TRUE)
  observed <- xtabs(cbind(y0 = 1 - y, y1 = y) ~ cutyhat)
  expected <- xtabs(cbind(yhat0 = 1 - yhat, yhat1 = yhat) ~ cutyhat)
  chisq <- sum((observed - expected)^2 / expected)
  list(statistic = chisq, df = g - 2, p = 1 - pchisq(chisq, g - 2),
       groups = length(qq) - 1, n = as.numeric(table(cutyhat)),
       meanPredicted = as.numeric(tapply(yhat, cutyhat, mean)), observed = as.numeric(tapply(y, cutyhat, mean)))
}
thr <- seq(0.05, 0.6, by = 0.05)
nb <- sapply(thr, function(t) { pos <- p >= t; sum(pos & y == 1) / length(y) - sum(pos & y == 0) / length(y) * t / (1 - t) })
prev <- mean(y)
calib <- list(p = p, y = y, brier = mean((p - y)^2), intercept = unname(cal_int),
              slope = unname(coef(cal_slope_fit)[2]), slopeIntercept = unname(coef(cal_slope_fit)[1]),
              hl10 = hl(y, p, 10), hl5 = hl(y, p, 5),
              dca = list(thresholds = thr, netBenefit = nb, treatAll = prev - (1 - prev) * thr / (1 - thr)))
write_golden(list(fits = fits, calibration = calib), "logistic")
