/**
 * Hooks: the engine-level contract for asking an operator's service before a publish or a play and telling it
 * after ({@link io.ringcast.broadcast.hooks.StreamHooks}), the protocol-neutral request and answer, and each hook's
 * counters and latency ({@link io.ringcast.broadcast.hooks.HookStats}); no HTTP or protocol code.
 */
package io.ringcast.broadcast.hooks;
