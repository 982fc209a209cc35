// Suppression cases for tests/report/report_test.c. The tests point findings
// at these lines by number: edit the line table in report_test.c with them.
package sup

/*
#include <stdlib.h>
// cgoguard:ignore CG000 the preamble form inside a Go block comment
void keep(void *p);
*/
import "C"

func cases() {
	a := 1 //cgoguard:ignore CG000 same line: a is an int
	//cgoguard:ignore CG000 line above: the value is copied by C
	b := 2
	//cgoguard:ignore CG099 wrong id: this must not hide CG000
	c := 3
	//cgoguard:ignore CG000
	d := 4
	//cgoguard:ignore CG099, CG000 several ids, with a space after the comma
	e := 5
	//cgoguard:ignore incomplete-analysis a name instead of an id
	f := 6
	s := "//cgoguard:ignore CG000 inside a string is not a directive"
	//cgoguard:ignore CG000 two lines above: out of reach

	g := 7
	//cgoguard:ignore CG000,CGX77 one unknown id next to a known one
	h := 8
	// cgoguard:ignore cg000 lower-case id, and a space after the slashes
	i := 9
	r := `raw string
//cgoguard:ignore CG000 inside a raw string is not a directive`
	j := 10
	//cgoguard:ignore
	k := 11
	//cgoguard:ignore 0 a bare number is not an id in a directive
	l := 12
	_, _, _, _, _, _, _, _, _, _, _, _, _, _ = a, b, c, d, e, f, g, h, i, j, k, l, r, s
}
