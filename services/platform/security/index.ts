export { authErrors, authError, type AuthError, type AuthErrorCode } from './errors.js';
export { parseJwks, type VerificationKey, type JwksDocument } from './jwks.js';
export {
  createJwksKeySet,
  createStaticKeySet,
  type KeySource,
  type JwksFetcher,
  type JwksKeySet,
  type JwksKeySetOptions,
} from './key-set.js';
export { httpJwksFetcher, type HttpJwksOptions } from './jwks-http.js';
export { MAX_TOKEN_LENGTH, type TokenType } from './jwt-verify.js';
export {
  createAccessTokenVerifier,
  bearerToken,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
} from './access-token.js';
export {
  createServiceTokenVerifier,
  type ServiceCaller,
  type ServiceTokenVerifier,
  type ServiceTokenVerifierOptions,
} from './service-token.js';
export {
  createServiceTokenSource,
  type IssuedServiceToken,
  type ServiceTokenSource,
  type ServiceTokenSourceOptions,
} from './service-token-source.js';
