module cgoguard.dev/tests/report/validate

go 1.21

require github.com/santhosh-tekuri/jsonschema/v5 v5.3.1
