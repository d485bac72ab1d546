import type { types } from 'mediasoup';
import type { DtlsParameters, IceCandidate, RtpCapabilities, RtpParameters } from '@hybrid-stage/shared';

/**
 * What the worker made, as the protocol (mediasoup-client's types) declares it. Both libraries
 * describe the same messages, mediasoup's more loosely (a string where mediasoup-client lists the
 * values, an optional payload type the router always fills in), and mediasoup 3.12 names a
 * candidate's address `ip`, which mediasoup-client still reads when `address` is absent. The one
 * place the server's messages are taken for the client's, and only these.
 */
export function forClient(made: types.RtpCapabilities): RtpCapabilities;
export function forClient(made: types.RtpParameters): RtpParameters;
export function forClient(made: types.DtlsParameters): DtlsParameters;
export function forClient(made: types.IceCandidate[]): IceCandidate[];
export function forClient(made: unknown): unknown {
  return made;
}
