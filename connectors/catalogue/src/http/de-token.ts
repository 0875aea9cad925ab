/**
 * Signed DE tokens, as `@passerelle/connector-catalogue/de-token` has always offered them: the format is defined
 * once, in `@passerelle/schemas` (the catalogue verifies them, a channel's identity layer and the scenario sign them).
 */
export {
  type CatalogueChannel,
  DE_TOKEN_VERSION,
  type DeTokenCheck,
  type DeTokenClaims,
  isDeToken,
  MIN_DE_TOKEN_KEY_LENGTH,
  signDeToken,
  verifyDeToken,
} from '@passerelle/schemas';
