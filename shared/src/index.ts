export * from './vocabulary';
export * from './domain';
export * from './errors';
export * from './protocol';
export * from './captions';
export * from './exhibition';
export * from './recording';
export * from './registration';
