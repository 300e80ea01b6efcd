// The edge tests use the e2e suite's HTTP client (one client for both).
export { codeOf, http, type HttpOptions, type HttpResult } from '../../cli/lib/e2e/http.js';
