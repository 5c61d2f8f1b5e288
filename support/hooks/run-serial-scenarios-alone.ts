import { setParallelCanAssign } from '@cucumber/cucumber';
import { mayRunAlongside } from '../serial-scenarios.ts';

// The coordinator asks this before handing a scenario to an idle worker; a @serial one waits
// until every running scenario has finished, and the others wait until it has.
setParallelCanAssign((candidate, running) => mayRunAlongside(candidate, running));
