// Turns on the GOV.UK Frontend components (error summary focus, notification banners, navigation toggle).
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
