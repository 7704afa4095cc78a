// Turns on the GOV.UK Frontend components (error summary focus, notification banners, navigation toggle).
// The body's js-enabled and govuk-frontend-supported classes are set by the inline script at the top of
// base.html, before the page is painted, so the components' no-JavaScript styles never flash.
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
