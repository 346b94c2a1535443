/**
 * The entry of the dashboard bundle (dist/demo/dashboard.js, served at
 * `/demo/dashboard.js`): the slotpull elements, Lit, and <slotpull-dashboard>.
 */
import '../elements/index.ts';
export { SlotpullDashboard } from './slotpull-dashboard.ts';
