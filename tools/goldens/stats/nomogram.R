# Goldens for nomograms: rms::nomogram on an lrm (logistic) and a cph (Cox, Efron) fit of asaur::hepatoCellular,
# with explicitly given axis values so that the points per value, the total-points -> linear predictor map and the
# probability / survival axes can be compared number by number.
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages(library(rms))
h <- hepato()
h <- h[, c("OS", "Death", "Age", "Vascularinvasion", "Tumorsize", "CXCL17T")]
dd <- datadist(h); options(datadist = "dd")
axes <- list(Age = seq(20, 80, 10), Vascularinvasion = c(0, 1), Tumorsize = c(1, 2), CXCL17T = seq(0, 400, 50))
feat <- names(axes)
pick <- function(nom, fun_names) {
  list(points = lapply(feat, function(v) list(name = v, values = nom[[v]][[v]], points = nom[[v]]$points)),
       totalPoints = nom$total.points$x,
       lp = list(x = nom$lp$x, value = nom$lp$x.real),
       funs = lapply(fun_names, function(fnm) list(name = fnm, x = nom[[fnm]]$x, value = nom[[fnm]]$x.real)))
}
fl <- lrm(Death ~ Age + Vascularinvasion + Tumorsize + CXCL17T, data = h, tol = 1e-14)
nl <- do.call(nomogram, c(list(fl, fun = plogis, fun.at = c(0.1, 0.3, 0.5, 0.7, 0.9), funlabel = "prob", lp = TRUE, maxscale = 100), axes))
fc <- cph(Surv(OS, Death) ~ Age + Vascularinvasion + Tumorsize + CXCL17T, data = h, surv = TRUE, x = TRUE, y = TRUE, method = "efron", eps = 1e-14)
sv <- Survival(fc)
nc <- do.call(nomogram, c(list(fc, fun = list(function(x) sv(24, x), function(x) sv(60, x)), fun.at = c(0.2, 0.4, 0.6, 0.8, 0.9),
                               funlabel = c("S24", "S60"), lp = TRUE, maxscale = 100), axes))
write_golden(list(rms = as.character(packageVersion("rms")), features = feat,
                  X = lapply(feat, function(v) h[[v]]), y = h$Death, time = h$OS, event = h$Death,
                  logistic = c(pick(nl, "prob"), list(coef = unname(coef(fl)))),
                  cox = c(pick(nc, c("S24", "S60")), list(coef = unname(coef(fc)), center = unname(fc$center)))), "nomogram")
