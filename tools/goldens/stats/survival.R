# Goldens for Kaplan-Meier (survfit, log-log CI), medians, log-rank (survdiff), Cox PH (coxph Breslow/Efron,
# tests, baseline hazard, predicted survival for profiles via survfit.coxph) and concordance (Harrell, Uno).
# Data: asaur::hepatoCellular (copied CSV) and survival::pbc (exported to libs/stats/fixtures/data/pbc/pbc.csv).
source("tools/goldens/stats/common.R")
suppressPackageStartupMessages(library(survival))
dir.create(file.path(data_dir, "pbc"), showWarnings = FALSE)
pbcx <- pbc[, c("id", "time", "status", "trt", "age", "sex", "edema", "bili", "albumin", "protime", "stage")]
pbcx$sex <- as.integer(pbcx$sex == "f")
write.csv(pbcx, file.path(data_dir, "pbc/pbc.csv"), row.names = FALSE, na = "")
pbcx$death <- as.integer(pbcx$status == 2)
h <- hepato()

km_case <- function(name, time, event, group = NULL) {
  if (is.null(group)) group <- rep("all", length(time))
  f <- survfit(Surv(time, event) ~ 1, conf.type = "log-log")
  groups <- lapply(sort(unique(group)), function(gv) {
    s <- survfit(Surv(time[group == gv], event[group == gv]) ~ 1, conf.type = "log-log")
    q <- quantile(s, probs = 0.5, conf.int = TRUE)
    list(group = gv, time = s$time, nRisk = s$n.risk, nEvent = s$n.event, nCensor = s$n.censor, surv = s$surv,
         stdErrLog = s$std.err, lower = s$lower, upper = s$upper,
         median = unname(q$quantile), medianLower = unname(q$lower), medianUpper = unname(q$upper))
  })
  out <- list(name = name, time = time, event = event, group = group, groups = groups)
  if (length(unique(group)) > 1) {
    sd <- survdiff(Surv(time, event) ~ group)
    out$logrank <- list(chisq = sd$chisq, df = length(sd$n) - 1, p = pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE),
                        observed = as.numeric(sd$obs), expected = as.numeric(sd$exp))
  }
  out
}
kms <- list(
  km_case("hepato OS", h$OS, h$Death),
  km_case("hepato OS by BCLC", h$OS, h$Death, h$BCLC),
  km_case("hepato RFS by TNM", h$RFS, h$Recurrence, h$TNM),
  km_case("pbc death by stage (4 groups)", pbcx$time[!is.na(pbcx$stage)], pbcx$death[!is.na(pbcx$stage)], pbcx$stage[!is.na(pbcx$stage)]),
  km_case("pbc death by edema (3 groups)", pbcx$time, pbcx$death, pbcx$edema)
)

cox_case <- function(name, data, time, event, features, ties, profiles) {
  cc <- data[complete.cases(data[, c(time, event, features)]), c(time, event, features)]
  f <- as.formula(paste0("Surv(", time, ",", event, ") ~ ", paste(features, collapse = "+")))
  m <- coxph(f, data = cc, ties = ties, control = coxph.control(eps = 1e-14, iter.max = 100, toler.chol = 1e-15))
  s <- summary(m)
  co <- s$coefficients; ci <- s$conf.int
  sf <- survfit(m, newdata = profiles)
  bh <- basehaz(m, centered = FALSE)
  conc <- concordance(m)
  lp <- predict(m, type = "lp")
  y <- Surv(cc[[time]], cc[[event]])
  uno <- concordance(y ~ lp, reverse = TRUE, timewt = "n/G2")
  # Uno's C written out (Uno et al. 2011, as survAUC::UnoC): weights 1/G(t_i-)^2, G = KM of the censoring times
  cf <- survfit(Surv(cc[[time]], 1 - cc[[event]]) ~ 1)
  Gm <- function(t) { s <- cf$surv[cf$time < t]; if (length(s)) tail(s, 1) else 1 }
  tt <- cc[[time]]; ee <- cc[[event]]; num <- 0; den <- 0
  for (i in which(ee == 1)) {
    w <- 1 / Gm(tt[i])^2
    cmp <- (tt > tt[i]) | (tt == tt[i] & ee == 0)
    num <- num + w * (sum(lp[i] > lp[cmp]) + 0.5 * sum(lp[i] == lp[cmp])); den <- den + w * sum(cmp)
  }
  list(name = name, ties = ties, features = features, time = cc[[time]], event = cc[[event]],
       X = lapply(features, function(v) cc[[v]]),
       coef = lapply(seq_len(nrow(co)), function(i) list(name = rownames(co)[i], estimate = co[i, 1], hr = co[i, 2], se = co[i, 3],
                     z = co[i, 4], p = co[i, 5], lower = ci[i, 3], upper = ci[i, 4])),
       loglik = m$loglik, means = unname(m$means),
       # summary() rounds the test statistics; use the unrounded values stored in the fit
       wald = list(statistic = unname(m$wald.test), df = length(features), p = pchisq(unname(m$wald.test), length(features), lower.tail = FALSE)),
       lr = list(statistic = 2 * diff(m$loglik), df = length(features), p = pchisq(2 * diff(m$loglik), length(features), lower.tail = FALSE)),
       score = list(statistic = unname(m$score), df = length(features), p = pchisq(unname(m$score), length(features), lower.tail = FALSE)),
       concordance = unname(conc$concordance), unoC = num / den, unoSurvivalPkg = unname(uno$concordance),
       baseline = list(time = bh$time, hazard = bh$hazard),
       profiles = lapply(features, function(v) profiles[[v]]),
       predicted = list(time = sf$time, surv = lapply(seq_len(nrow(profiles)), function(k) unname(as.matrix(sf$surv)[, k]))))
}
prof_h <- data.frame(Age = c(50, 65), Vascularinvasion = c(0, 1), Tumorsize = c(1, 2), Tumormultiplicity = c(1, 2), CXCL17T = c(50, 150))
prof_p <- data.frame(age = c(45, 60), bili = c(1, 5), albumin = c(3.8, 3), edema = c(0, 1), protime = c(10, 12))
coxes <- list(
  cox_case("hepato OS efron", h, "OS", "Death", names(prof_h), "efron", prof_h),
  cox_case("hepato OS breslow", h, "OS", "Death", names(prof_h), "breslow", prof_h),
  cox_case("hepato RFS efron (heavy ties)", h, "RFS", "Recurrence", names(prof_h), "efron", prof_h),
  cox_case("pbc efron", pbcx, "time", "death", names(prof_p), "efron", prof_p),
  cox_case("pbc breslow", pbcx, "time", "death", names(prof_p), "breslow", prof_p)
)
write_golden(list(survival = as.character(packageVersion("survival")), km = kms, cox = coxes), "survival")

# Time-dependent cumulative/dynamic AUC with marginal KM IPCW (timeROC's estimator, written out because timeROC is
# not packaged in Debian): cases T<=t & event weighted 1/G(T-), controls T>t weighted 1/G(t).
tdauc <- function(time, event, marker, t) {
  cf <- survfit(Surv(time, 1 - event) ~ 1)
  Gm <- function(u) { s <- cf$surv[cf$time < u]; if (length(s)) tail(s, 1) else 1 }
  cases <- which(time <= t & event == 1); ctrl <- which(time > t)
  wi <- sapply(time[cases], function(u) 1 / Gm(u)); wj <- 1 / Gm(t)
  num <- 0
  for (k in seq_along(cases)) num <- num + wi[k] * wj * (sum(marker[cases[k]] > marker[ctrl]) + 0.5 * sum(marker[cases[k]] == marker[ctrl]))
  num / (sum(wi) * wj * length(ctrl))
}
pb <- pbcx[complete.cases(pbcx[, c("time", "death", "bili", "albumin")]), ]
td <- list(time = pb$time, event = pb$death, marker = log(pb$bili) - pb$albumin,
           horizons = c(365, 1000, 2000, 3000))
td$auc <- sapply(td$horizons, function(t) tdauc(td$time, td$event, td$marker, t))
hh <- h
td2 <- list(time = hh$OS, event = hh$Death, marker = hh$BCLC + hh$Vascularinvasion, horizons = c(12, 24, 48))
td2$auc <- sapply(td2$horizons, function(t) tdauc(td2$time, td2$event, td2$marker, t))
write_golden(list(pbc = td, hepato = td2), "tdauc")
