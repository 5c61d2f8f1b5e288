import { envInt } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { serve } from '../shared/serve.ts';
import { createPaymentGatewayApp } from './gateway-app.ts';

const logger = createLogger('payment-gateway');
serve(createPaymentGatewayApp({ logger }).app, { port: envInt('PORT', 8090), logger });
