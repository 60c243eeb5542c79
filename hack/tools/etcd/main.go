// Command etcd runs the etcd server for Bosun's local control plane and tests.
// Built as a dependency, go.etcd.io/etcd's own replace directives do not apply,
// which is what lets a plain module build succeed.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
