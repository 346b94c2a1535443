/**
 * The built-in demo config, used when no slots file is given. Its images are
 * the demo runtime's catalogue (server/runtimes/demo-images.ts), so every
 * state a dashboard must show can be seen without a container engine.
 */
export const DEMO_CONFIG_NAME = 'built-in demo config';

export const demoSlotsFile = {
  slots: [
    // A large many-layer image: the long pull a person waits for.
    { name: 'chat', provider: 'container', image: 'ghcr.io/acme/llama-server:vulkan', port: 8081, model: 'qwen3-8b', labels: { gpu: '0' } },
    // Shares its image with "chat": one pull serves both.
    { name: 'code', provider: 'container', image: 'ghcr.io/acme/llama-server:vulkan', port: 8083, model: 'qwen2.5-coder-7b', labels: { gpu: '1' } },
    // Its first pull fails part-way with a registry error; a retry succeeds.
    { name: 'vision', provider: 'container', image: 'ghcr.io/acme/vision-server:0.9', port: 8084, model: 'qwen2.5-vl-7b' },
    // Already present; its container crashed (out of memory).
    { name: 'rerank', provider: 'container', image: 'ghcr.io/acme/rerank-server:1.2', port: 8085, model: 'bge-reranker-v2' },
    // Served elsewhere: no image, no pull.
    { name: 'embed', provider: 'external', url: 'http://127.0.0.1:8082', model: 'nomic-embed-text' },
  ],
} as const;
