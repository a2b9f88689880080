# Goldens for libs/services/src/scoring/linear.ts (logistic CI by the delta method, nomogram points, Cox curves).
# Run: Rscript tools/goldens/api-scoring/generate.R  (needs r-cran-rms, r-cran-survival from Debian)
# Writes libs/services/src/scoring/fixtures/scoring-goldens.json. Data: R's mtcars and survival::lung (public).
suppressMessages({ library(rms); library(survival) })
out <- list(generator = "tools/goldens/api-scoring/generate.R", r = R.version.string, rms = as.character(packageVersion("rms")))

# --- logistic: glm(am ~ wt + hp, mtcars) ---
fit <- glm(am ~ wt + hp, data = mtcars, family = binomial)
new <- data.frame(wt = c(2.5, 3.2, 4.0), hp = c(110, 150, 200))
pr <- predict(fit, newdata = new, type = "link", se.fit = TRUE)
z <- qnorm(0.975)
out$logistic <- list(
  intercept = unname(coef(fit)[1]),
  coefficients = as.list(coef(fit)[-1]),
  covariance = unname(vcov(fit)),
  covarianceOrder = c("(Intercept)", "wt", "hp"),
  cases = lapply(seq_len(nrow(new)), function(i) list(
    x = list(wt = new$wt[i], hp = new$hp[i]),
    eta = unname(pr$fit[i]), se = unname(pr$se.fit[i]),
    probability = plogis(unname(pr$fit[i])),
    ci = c(plogis(unname(pr$fit[i]) - z * unname(pr$se.fit[i])), plogis(unname(pr$fit[i]) + z * unname(pr$se.fit[i])))
  ))
)

# --- nomogram points (rms): axis ranges wt 1.5..5.5, hp 50..350 ---
dd <- datadist(mtcars); options(datadist = "dd")
lfit <- lrm(am ~ wt + hp, data = mtcars)
ranges <- list(wt = c(1.5, 5.5), hp = c(50, 350))
nomo <- lapply(seq_len(nrow(new)), function(i) {
  nm <- nomogram(lfit, wt = c(ranges$wt[1], new$wt[i], ranges$wt[2]), hp = c(ranges$hp[1], new$hp[i], ranges$hp[2]), maxscale = 100)
  list(x = list(wt = new$wt[i], hp = new$hp[i]),
       points = list(wt = nm$wt$points[2], hp = nm$hp$points[2]))
})
out$nomogram <- list(coefficients = as.list(coef(lfit)[-1]), ranges = ranges, cases = nomo)

# --- Cox: coxph(Surv(time/30.4375, status) ~ age + ph.ecog, lung), months ---
lung2 <- na.omit(lung[, c("time", "status", "age", "ph.ecog")])
lung2$months <- lung2$time / 30.4375
cfit <- coxph(Surv(months, status) ~ age + ph.ecog, data = lung2)
bh <- basehaz(cfit, centered = TRUE)
newc <- data.frame(age = c(55, 70), ph.ecog = c(0, 2))
sf <- survfit(cfit, newdata = newc)
lp <- predict(cfit, newdata = newc, type = "lp", se.fit = TRUE)
out$cox <- list(
  coefficients = as.list(coef(cfit)),
  means = as.list(cfit$means),
  covariance = unname(vcov(cfit)),
  covarianceOrder = names(coef(cfit)),
  baseline = lapply(seq_len(nrow(bh)), function(i) list(t = bh$time[i], s = exp(-bh$hazard[i]))),
  cases = lapply(seq_len(nrow(newc)), function(i) list(
    x = list(age = newc$age[i], ph.ecog = newc$ph.ecog[i]),
    eta = unname(lp$fit[i]), se = unname(lp$se.fit[i]),
    times = sf$time, surv = unname(sf$surv[, i]),
    median = unname(summary(sf)$table[i, "median"])
  ))
)
jsonlite_ok <- requireNamespace("jsonlite", quietly = TRUE)
dest <- "libs/services/src/scoring/fixtures/scoring-goldens.json"
if (jsonlite_ok) {
  writeLines(jsonlite::toJSON(out, auto_unbox = TRUE, digits = NA, pretty = FALSE), dest)
} else {
  stop("jsonlite is needed: apt-get install r-cran-jsonlite")
}
cat("wrote", dest, "\n")
