/**
 * @hepatoscope/stats — evaluation metrics, models, survival analysis and nomograms in pure TypeScript
 * (browser-safe: no Node imports). Numbers are tested against R (pROC, survival, rms, glmnet) and scikit-learn
 * goldens in fixtures/goldens (generators in tools/goldens/stats).
 */
export * from './util';
export * from './rng';
export * from './distributions';
export * from './linalg';
export * from './matrix';
export * from './roc';
export * from './classification';
export * from './calibration';
export * from './logistic';
export * from './survival/data';
export * from './survival/km';
export * from './survival/logrank';
export * from './survival/cox';
export * from './survival/concordance';
export * from './table';
export * from './nomogram';
export * from './survival/tdauc';
export * from './segmentation';
export * from './glmnet';
export * from './glmnet-cox';
export * from './selection';
export * from './combat';
export * from './cv';
export * from './knn';
export * from './trees';
export * from './survival/riskgroups';
export * from './svm';
