/**
 * The error catalogue (errors/catalogue.ts and the files it gathers), the IpamError it makes, and
 * the hints each face words its own way, importable at their long-standing path.
 */
export * from './errors/index';
