// Turns on the GOV.UK Frontend components (error summary focus, notification banners, navigation toggle).
// The body's js-enabled and govuk-frontend-supported classes are set by js-enabled.js at the top of base.html's
// body, before the page is painted, so the components' no-JavaScript styles never flash.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
