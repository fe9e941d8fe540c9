/** The tag colours of an application's states. */
export const APPLICATION_STATE_COLORS: Record<string, string> = {
  submitted: "processing",
  approved: "orange",
  rejected: "red",
  paid: "green",
};
