/**
 * Test support for users' FUSE filesystems: mounts them for real through the kernel in a JUnit 5 test,
 * and fails the test when it leaves FUSE state behind.
 */
package io.github.fusespringboot.test;
