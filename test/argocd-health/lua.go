package main

// The contract under which Argo CD v3 runs a health.lua (github.com/argoproj/argo-cd util/lua/lua.go:
// VM.runLuaWithResourceActionParameters and VM.ExecuteHealthLua), kept here because Argo CD's own
// package does not build from this machine's module proxy:
//   - a gopher-lua state with the standard libraries skipped (SkipOpenLibs) unless useOpenLibs is set
//     (Argo CD's own health tests set it), then package, base, table and a safe os (time, date) opened,
//     and os preloaded so require("os") works;
//   - a one-second context; the global obj (the object, converted by decodeValue) and an empty
//     actionParams table;
//   - the returned table encoded by layeh.com/gopher-json and decoded into {status, message}: an empty
//     table (JSON []) is an empty status, a status Argo CD does not know is Unknown with the message
//     "Lua returned an invalid health status", nil is an empty status, anything else an error.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
)

type healthStatus struct {
	Status  string `json:"status,omitempty"`
	Message string `json:"message,omitempty"`
}

// the health statuses Argo CD accepts (gitops-engine pkg/health)
var validStatus = map[string]bool{
	"Unknown": true, "Progressing": true, "Suspended": true, "Healthy": true, "Degraded": true, "Missing": true,
}

func runHealth(obj map[string]any, script string, useOpenLibs bool) (*healthStatus, error) {
	l := lua.NewState(lua.Options{SkipOpenLibs: !useOpenLibs})
	defer l.Close()
	for _, pair := range []struct {
		n string
		f lua.LGFunction
	}{
		{lua.LoadLibName, lua.OpenPackage},
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.OsLibName, OpenSafeOs},
	} {
		if err := l.CallByParam(lua.P{Fn: l.NewFunction(pair.f), NRet: 0, Protect: true}, lua.LString(pair.n)); err != nil {
			return nil, err
		}
	}
	l.PreloadModule(lua.OsLibName, SafeOsLoader)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	l.SetContext(ctx)
	l.SetGlobal("actionParams", l.CreateTable(0, 0))
	l.SetGlobal("obj", decodeValue(l, obj))

	fn, err := l.LoadString(script)
	if err == nil {
		l.Push(fn)
		err = l.PCall(0, lua.MultRet, nil)
	}
	if apiErr, ok := errors.AsType[*lua.ApiError](err); ok && apiErr.Type == lua.ApiErrorRun {
		apiErr.StackTrace = ""
		err = apiErr
	}
	if err != nil {
		return nil, err
	}

	returned := l.Get(-1)
	switch returned.Type() {
	case lua.LTTable:
		raw, err := luajson.Encode(returned)
		if err != nil {
			return nil, err
		}
		hs := &healthStatus{}
		if err := json.Unmarshal(raw, hs); err != nil {
			if _, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
				return &healthStatus{}, nil
			}
			return nil, err
		}
		if !validStatus[hs.Status] {
			return &healthStatus{Status: "Unknown", Message: "Lua returned an invalid health status"}, nil
		}
		return hs, nil
	case lua.LTNil:
		return &healthStatus{}, nil
	}
	return nil, fmt.Errorf("expect table output from Lua script, not %s", returned.Type().String())
}

// decodeValue is Argo CD's (util/lua/lua.go): the object as Lua values, integers of a live object included.
func decodeValue(l *lua.LState, value any) lua.LValue {
	switch converted := value.(type) {
	case bool:
		return lua.LBool(converted)
	case float64:
		return lua.LNumber(converted)
	case string:
		return lua.LString(converted)
	case json.Number:
		return lua.LString(converted)
	case int:
		return lua.LNumber(converted)
	case int32:
		return lua.LNumber(converted)
	case int64:
		return lua.LNumber(converted)
	case []any:
		arr := l.CreateTable(len(converted), 0)
		for _, item := range converted {
			arr.Append(decodeValue(l, item))
		}
		return arr
	case map[string]any:
		tbl := l.CreateTable(0, len(converted))
		for key, item := range converted {
			tbl.RawSetH(lua.LString(key), decodeValue(l, item))
		}
		return tbl
	case nil:
		return lua.LNil
	}
	return lua.LNil
}
