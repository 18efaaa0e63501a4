#!/usr/bin/env node
// The `teo` executable. A file that exists before the package is built, so that a package manager
// links it on the first install of a workspace too; the command is dist/bin.js.
import "../dist/bin.js"
