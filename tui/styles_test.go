package tui

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Every colour of the styles is resolved when they are built, for the renderer's profile and background:
// a View never picks a variant or converts a colour, and what it draws is what lipgloss draws for the
// adaptive colour on that terminal.
func TestStylesResolveColoursOnce(t *testing.T) {
	adaptive := []lipgloss.AdaptiveColor{
		{Light: "#5A3FD0", Dark: "#9D8CFF"}, {Light: "#1B7F3B", Dark: "#5FD787"}, {Light: "#E8E8E8", Dark: "#333333"},
	}
	for _, p := range []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii} {
		for _, dark := range []bool{true, false} {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(p)
			r.SetHasDarkBackground(dark)
			for _, c := range adaptive {
				want := r.NewStyle().Foreground(c).Background(c).Render("x")
				rc := resolveColor(p, dark, c)
				if got := r.NewStyle().Foreground(rc).Background(rc).Render("x"); got != want {
					t.Errorf("profile %v dark %t: %v draws %q, want %q", p, dark, c, got, want)
				}
			}
			st := NewStyles(r)
			v := reflect.ValueOf(st)
			for i := range v.NumField() {
				s := v.Field(i).Interface().(lipgloss.Style)
				for _, col := range []lipgloss.TerminalColor{s.GetForeground(), s.GetBackground()} {
					if _, ok := col.(lipgloss.AdaptiveColor); ok {
						t.Errorf("profile %v: style %s keeps an adaptive colour", p, v.Type().Field(i).Name)
					}
				}
			}
		}
	}
}

// The styles are built once per session, by construction: NewStyles runs only in New (once per console
// session), and no other code of the console makes a style, so no View builds one.
func TestStylesBuiltOnlyInNew(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			ast.Inspect(fn, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var called string
				switch f := call.Fun.(type) {
				case *ast.Ident:
					called = f.Name
				case *ast.SelectorExpr:
					called = f.Sel.Name
				}
				switch {
				case called == "NewStyles" && fn.Name.Name != "New":
					t.Errorf("%s: %s builds the styles (only New may, once per session)", fset.Position(call.Pos()), fn.Name.Name)
				case called == "NewStyle" && fn.Name.Name != "NewStyles":
					t.Errorf("%s: %s makes a style (every style is built in NewStyles)", fset.Position(call.Pos()), fn.Name.Name)
				}
				return true
			})
		}
	}
}
