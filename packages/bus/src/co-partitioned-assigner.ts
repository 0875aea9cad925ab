import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Assigns partition number p of every subscribed topic to the same member, as Kafka Streams does for
 * co-partitioned topics. Topics keyed by session key with the same partition count then have one writer per
 * session across all of them: the owner of partition p decides alone for the sessions hashed to p.
 */
export const CoPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'PasserelleCoPartitioned',
  version: 1,
  async assign({ members, topics }) {
    await cluster.refreshMetadataIfNecessary();
    const memberIds = members.map((member) => member.memberId).sort();
    const assignment: Record<string, Record<string, number[]>> = Object.fromEntries(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      const partitions = cluster.findTopicPartitionMetadata(topic).map((metadata) => metadata.partitionId);
      for (const partition of partitions) {
        const owner = memberIds[partition % memberIds.length] as string;
        const owned = assignment[owner] as Record<string, number[]>;
        owned[topic] = [...(owned[topic] ?? []), partition].sort((a, b) => a - b);
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: assignment[memberId] as Record<string, number[]>,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'PasserelleCoPartitioned',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
