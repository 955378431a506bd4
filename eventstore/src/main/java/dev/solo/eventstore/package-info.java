/**
 * The event log: append with group commit, queries, and a live tail with no gap and no
 * duplicate (DESIGN.md §6). Also the protobuf serializer every persistent entity uses.
 */
package dev.solo.eventstore;
