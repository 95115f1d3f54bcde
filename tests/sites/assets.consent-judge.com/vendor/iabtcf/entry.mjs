// esbuild entry for the fixture bundle: the real @iabtcf classes, exposed as window.iabtcf.
export { CmpApi } from "@iabtcf/cmpapi";
export { GVL, TCModel, TCString } from "@iabtcf/core";
