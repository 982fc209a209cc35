// Latin-1 bytes and a control byte in a Go file (not UTF-8).
package main

var café = "grüße[31m"
