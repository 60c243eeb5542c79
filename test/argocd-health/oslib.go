// The "os" library a health script gets under Argo CD's contract: only the clock (os.time, os.date), never
// a way to exit, read or write files, or run anything. Written for these tests: os.time() and os.time{...}
// give Unix seconds; os.date(format[, t]) formats in local time, or UTC when format starts with "!", and
// "*t" returns the fields as a table.

package main

import (
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
)

var clockFuncs = map[string]lua.LGFunction{"time": luaTime, "date": luaDate}

// OpenSafeOs registers the clock-only "os" module as a global, as lua.OpenOs would the whole one.
func OpenSafeOs(l *lua.LState) int {
	l.Push(l.RegisterModule(lua.OsLibName, clockFuncs))
	return 1
}

// SafeOsLoader gives the same module to require("os").
func SafeOsLoader(l *lua.LState) int {
	l.Push(l.SetFuncs(l.NewTable(), clockFuncs))
	return 1
}

func luaTime(l *lua.LState) int {
	if l.GetTop() == 0 {
		l.Push(lua.LNumber(time.Now().Unix()))
		return 1
	}
	t := l.CheckTable(1)
	field := func(name string, def int) int {
		if n, ok := t.RawGetString(name).(lua.LNumber); ok {
			return int(n)
		}
		if def < 0 {
			l.RaiseError("field '%s' missing in date table", name)
		}
		return def
	}
	at := time.Date(field("year", -1), time.Month(field("month", -1)), field("day", -1),
		field("hour", 12), field("min", 0), field("sec", 0), 0, time.Local)
	l.Push(lua.LNumber(at.Unix()))
	return 1
}

// strftime directives os.date understands, as Go layouts
var layouts = map[byte]string{
	'Y': "2006", 'y': "06", 'm': "01", 'd': "02", 'H': "15", 'I': "03", 'M': "04", 'S': "05", 'p': "PM",
	'b': "Jan", 'B': "January", 'a': "Mon", 'A': "Monday", 'Z': "MST", 'z': "-0700",
}

func luaDate(l *lua.LState) int {
	format := l.OptString(1, "%c")
	at := time.Now()
	if l.GetTop() > 1 {
		at = time.Unix(int64(l.CheckNumber(2)), 0)
	}
	if strings.HasPrefix(format, "!") {
		format, at = format[1:], at.UTC()
	} else {
		at = at.Local()
	}
	if format == "*t" {
		t := l.NewTable()
		for k, v := range map[string]int{"year": at.Year(), "month": int(at.Month()), "day": at.Day(),
			"hour": at.Hour(), "min": at.Minute(), "sec": at.Second(), "wday": int(at.Weekday()) + 1,
			"yday": at.YearDay()} {
			t.RawSetString(k, lua.LNumber(v))
		}
		t.RawSetString("isdst", lua.LFalse)
		l.Push(t)
		return 1
	}
	var out strings.Builder
	for i := 0; i < len(format); i++ {
		if format[i] != '%' || i+1 == len(format) {
			out.WriteByte(format[i])
			continue
		}
		i++
		switch c := format[i]; {
		case c == '%':
			out.WriteByte('%')
		case c == 'c':
			out.WriteString(at.Format("Mon Jan  2 15:04:05 2006"))
		case layouts[c] != "":
			out.WriteString(at.Format(layouts[c]))
		default:
			l.RaiseError("os.date: %%%c is not a format these health checks support", c)
		}
	}
	l.Push(lua.LString(out.String()))
	return 1
}
