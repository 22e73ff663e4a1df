"""Screen time: a pure tracker core (`tracker`) and its vault tables (`store`). DESIGN.md §6."""
