// Only for the import paths: the Makefile builds in GOPATH mode against Debian's go-fuse, offline.
module seedbench

go 1.19
