/** Part of Backflow's engine: anomaly reports look past this package's frames for the user's line. */
@EngineCode
package dev.backflow.nn;

import dev.backflow.autograd.EngineCode;
