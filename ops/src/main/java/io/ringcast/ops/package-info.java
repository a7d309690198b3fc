/** Operator tooling over what the server writes. */
package io.ringcast.ops;
