/** @hepatoscope/domain — shared enums and zod DTO schemas (pure, browser-safe). */
export * from './enums';
export * from './dto';
export * from './pacs';
