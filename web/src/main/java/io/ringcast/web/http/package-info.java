/** HTTP helpers shared by the servlets. */
package io.ringcast.web.http;
