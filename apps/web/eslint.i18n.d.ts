import type { Linter } from "eslint";

export declare const noLiteralText: Linter.Config;
