/**
 * Turns tenant source into something that can run: {@link dev.solo.deploy.DeployPipeline} runs
 * the passes (source rules, javac in memory in a worker JVM, bytecode verification, entry class,
 * instrumentation, storage), {@link dev.solo.deploy.ArtifactStore} keeps verified class files by
 * content hash, and {@link dev.solo.deploy.ServiceClassLoader} defines one version of one
 * tenant's service, apart from every other. Nothing here keeps a static reference to a loader or
 * a tenant object.
 */
package dev.solo.deploy;
