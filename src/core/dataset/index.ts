/** Dataset ingestion: path rules, format sniffing, the inventory of a picked folder, and sampling. */
export * from './paths.ts';
export * from './sniff.ts';
export * from './inventory.ts';
export * from './sampling.ts';
