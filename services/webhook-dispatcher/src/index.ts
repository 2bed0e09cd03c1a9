export { webhookDispatcher } from './service.js';
export { deliverWebhook, type DispatcherDeps } from './processor.js';
export { classifyResponse, type DeliveryVerdict } from './classify-response.js';
export { applyOffloadResults } from './apply-offload-results.js';
export { standardWebhookHeaders, webhookId } from './sign.js';
