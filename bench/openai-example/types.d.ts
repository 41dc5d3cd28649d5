declare module 'fastify-raw-body';
