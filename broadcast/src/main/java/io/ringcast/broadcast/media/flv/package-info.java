/** FLV container packaging: the file header and tags around payloads that already are FLV tag bodies. */
package io.ringcast.broadcast.media.flv;
