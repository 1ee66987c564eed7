//# sourceMappingURL=chunk-FU5X3ENY.js.map
