export { accessConfigShape } from './config.js';
export { foldGrant, type Grant, GrantBook, inForce } from './grant-book.js';
export {
  type AccessKey,
  accessKeysSchema,
  InvalidTokenError,
  type IssueOptions,
  issueToken,
  looksLikeJwt,
  TokenVerifier,
  type TokenVerifierOptions,
  type VerifiedToken,
} from './keys.js';
export { AccessResolver, type AccessResolverOptions } from './resolver.js';
